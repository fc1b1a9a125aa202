/**
 * Every API method's handler, by area: one file an area, merged here. The object is typed `Handlers`, so a method
 * declared in core/common/api.ts without a handler (or a handler with the wrong argument type) stops the build.
 */
import type { Handlers } from '../../common/api.js';
import type { HandlerContext } from './context.js';
import { contractHandlers } from './contract.js';
import { figureHandlers } from './figures.js';
import { gitHandlers } from './git.js';
import { remoteHandlers } from './remote.js';
import { wizardHandlers } from './wizard.js';
import { workspaceHandlers } from './workspace.js';

export type { HandlerContext, SessionOptions } from './context.js';

export function makeHandlers(c: HandlerContext): Handlers {
  const handlers: Handlers = {
    ...workspaceHandlers(c),
    ...gitHandlers(c),
    ...remoteHandlers(c),
    ...contractHandlers(c),
    ...figureHandlers(c),
    ...wizardHandlers(c),
  };
  return handlers;
}
