console.error('The progress demo is not built yet (see the README). Run `npm test` to exercise the packages.');
process.exit(1);
