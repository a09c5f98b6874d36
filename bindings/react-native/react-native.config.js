/**
 * Autolinking (React Native CLI / Expo prebuild): where the native parts are.
 * iOS uses react-native-culvert.podspec; Android the Gradle module in android/.
 */
module.exports = {
  dependency: {
    platforms: {
      ios: {
        podspecPath: `${__dirname}/react-native-culvert.podspec`,
      },
      android: {
        sourceDir: `${__dirname}/android`,
        packageImportPath: 'import io.culvert.reactnative.CulvertPackage;',
        packageInstance: 'new CulvertPackage()',
      },
    },
  },
};
