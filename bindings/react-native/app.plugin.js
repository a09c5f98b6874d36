// Expo resolves `"plugins": ["react-native-culvert"]` to this file.
module.exports = require('./plugin/withCulvert');
