/**
 * Autolinking (React Native CLI, Expo prebuild): where the native parts are.
 * Paths are relative to this package (the CLI joins them onto its root).
 * iOS: the CLI finds react-native-culvert.podspec at the package root by itself.
 * Android: the Gradle module in android/ and the package class it registers.
 * Checked against the real CLI by scripts/autolink-check.js (make test-rn).
 */
module.exports = {
  dependency: {
    platforms: {
      android: {
        sourceDir: 'android',
        packageImportPath: 'import io.culvert.reactnative.CulvertPackage;',
        packageInstance: 'new CulvertPackage()',
      },
    },
  },
};
