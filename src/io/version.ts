/** tatami's version, written into model files as `generatedBy: "tatami <version>"` (a test keeps it equal to package.json). */
export const TATAMI_VERSION = '0.1.0';
