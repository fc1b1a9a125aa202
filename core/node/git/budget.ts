/**
 * An old version of a contract file (or a commit) bigger than this is not parsed for history facts (ten 1.8 MB
 * versions of one CR made metrics take 37 s): what it would have told is unknown, and said so.
 */
export const HISTORY_BLOB_BUDGET = 512 * 1024;
