#!/usr/bin/env node
// `virtrigaud-backstage`. npm links a package's bins at install time, and only those whose file exists then;
// ../dist/index.js is built after the install, so the bin is this committed file instead.
require('../dist/index.js');
