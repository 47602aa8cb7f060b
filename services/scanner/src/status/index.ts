/** What a scanner replica says about itself. */
export { scannerHealth, type ScannerHealthInputs } from './scanner-health';
