import type { Handlers } from '../../common/api.js';
import { crContext, crLoad, crPreview, crWrite, sowContext, sowPreview, sowWrite } from '../wizard-service.js';
import type { HandlerContext } from './context.js';

/** The CR impact wizard and the SOW wizard: what they suggest, preview and write. */
export function wizardHandlers(c: HandlerContext) {
  return {
    'wizard.crContext': async () => crContext(c.ws()),
    'wizard.crLoad': async ({ path: p }) => crLoad(c.ws(), p),
    'wizard.crPreview': async ({ draft, editing }) => crPreview(c.ws(), draft, editing),
    'wizard.crWrite': async ({ draft, editing }) => crWrite(c.ws(), draft, editing),
    'wizard.sowContext': async () => sowContext(c.ws()),
    'wizard.sowPreview': async ({ draft }) => sowPreview(c.ws(), draft),
    'wizard.sowWrite': async ({ draft }) => sowWrite(c.ws(), draft),
  } satisfies Partial<Handlers>;
}
