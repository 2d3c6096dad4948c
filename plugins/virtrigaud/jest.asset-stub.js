// Stylesheets and images imported by Backstage components: an empty module in tests.
module.exports = 'test-asset-stub';
