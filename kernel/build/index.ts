/**
 * The build steps after `tsc` (`npm run build`, `prepare`, `npm test`): Lua bytecode for the VM's
 * own chunks (bytecode.ts) and the language server bundle with its code cache (bundle.ts).
 */
import './bytecode';
import './bundle';
