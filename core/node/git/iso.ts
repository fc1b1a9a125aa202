import git from 'isomorphic-git';

/** isomorphic-git, for what Covenant does not read or write itself (loaded only by the verbs that need it). */
export { git };

// isomorphic-git prints each failed checkout task to the console (with its stack) before it throws them all as one
// error, which Covenant reports in words: the print is dropped, every other console message is left as it is.
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('[isomorphic-git ')) return;
  consoleError(...args);
};
