/** The capabilities the adapter announces in the initialize response (one place, snapshot-tested). */
import type { DebugProtocol } from '@vscode/debugprotocol';

export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  {
    filter: 'uncaught',
    label: 'Uncaught Errors',
    description: 'Stop on errors no pcall catches',
    default: false,
  },
  { filter: 'all', label: 'All Errors', description: 'Stop on every error(), caught or not', default: false },
];

export function capabilities(): DebugProtocol.Capabilities {
  return {
    supportsConfigurationDoneRequest: true,
    supportsConditionalBreakpoints: true,
    supportsHitConditionalBreakpoints: true,
    supportsLogPoints: true,
    supportsFunctionBreakpoints: true,
    exceptionBreakpointFilters: EXCEPTION_FILTERS,
    supportsExceptionInfoRequest: true,
    supportsSetVariable: true,
    supportsEvaluateForHovers: true,
    supportsCompletionsRequest: true,
    completionTriggerCharacters: ['.', ':'],
    supportsBreakpointLocationsRequest: true,
    supportsStepInTargetsRequest: true,
    supportsTerminateRequest: true,
    supportsRestartRequest: true,
    supportsLoadedSourcesRequest: true,
    supportsDelayedStackTraceLoading: true,
    supportTerminateDebuggee: true,
    supportsValueFormattingOptions: false,
    supportsStepBack: false,
  };
}
