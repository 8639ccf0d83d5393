/** The default TCP ports of the user-facing contract (the user guide and DESIGN.md). */

/** HTTP control port: /health, /metrics and the Jupyter server API. */
export const DEFAULT_CONTROL_PORT = 9555;
/** Debug Adapter (DAP) TCP server inside the kernel. */
export const DEFAULT_DAP_PORT = 9556;
