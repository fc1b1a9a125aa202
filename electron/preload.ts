// The only bridge between the sandboxed page and the app: two functions, no Node, no ipcRenderer exposed.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const API_CHANNEL = 'covenant:api';
const EVENT_CHANNEL = 'covenant:event';

contextBridge.exposeInMainWorld('covenant', {
  call: (method: string, args: unknown) => ipcRenderer.invoke(API_CHANNEL, method, args),
  onEvent: (listener: (event: unknown) => void) => {
    const wrapped = (_e: IpcRendererEvent, event: unknown) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
});
