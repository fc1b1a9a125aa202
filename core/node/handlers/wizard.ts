import type { Handlers } from '../../common/api.js';
import type { HandlerContext } from './context.js';

/** The CR impact wizard and the SOW wizard: what they suggest, preview and write. */
export function wizardHandlers(c: HandlerContext) {
  const w = () => import('../wizard-service.js');
  return {
    'wizard.crContext': async () => (await w()).crContext(c.ws()),
    'wizard.crLoad': async ({ path: p }) => (await w()).crLoad(c.ws(), p),
    'wizard.crPreview': async ({ draft, editing }) => (await w()).crPreview(c.ws(), draft, editing),
    'wizard.crWrite': async ({ draft, editing }) => (await w()).crWrite(c.ws(), draft, editing),
    'wizard.sowContext': async () => (await w()).sowContext(c.ws()),
    'wizard.sowPreview': async ({ draft }) => (await w()).sowPreview(c.ws(), draft),
    'wizard.sowWrite': async ({ draft }) => (await w()).sowWrite(c.ws(), draft),
  } satisfies Partial<Handlers>;
}
