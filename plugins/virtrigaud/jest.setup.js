require('@testing-library/jest-dom');

// findBy*/waitFor wait up to 5 s instead of 1 s: on a loaded 2-core CI machine the first render
// of a card with its charts can take longer than a second; a condition that never holds still fails.
require('@testing-library/react').configure({ asyncUtilTimeout: 5000 });
