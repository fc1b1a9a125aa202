/** Everything WorkspaceGit calls, in one module it loads on first use (core/node/git-service.ts). */
export { isAuthor, NO_IDENTITY, resolveIdentity, storeIdentity } from './author.js';
export { actingPerson } from '../identity.js';
export { commit } from './commit.js';
export { compareCommits } from './compare.js';
export { initRepository } from './init.js';
export { readAt, readAtHead } from './read-at.js';
export { diffFile } from './diff.js';
export { restoreFile } from './restore.js';
export { findRepo, isRepository, repoState } from './repo.js';
export { status } from './status.js';
