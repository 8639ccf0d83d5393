/**
 * The build steps after `tsc` (`npm run build`, `prepare`, `npm test`): the language server bundle
 * and its code cache (bundle.ts).
 */
import './bundle';
