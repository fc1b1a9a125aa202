import type { OpenWorkspace } from '../../core/node/workspace-service.js';

/**
 * A writer as an editor is one: read the file, add a line, save against the version read; on "changed on disk",
 * read again and retry. Returns the lines it was told were saved ("ok").
 */
export async function appendingWriter(ws: OpenWorkspace, file: string, name: string, count: number): Promise<string[]> {
  const saved: string[] = [];
  for (let i = 0; i < count; i++) {
    const line = `# ${name} ${i}`;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const { text, hash } = await ws.read(file);
      try {
        await ws.write(file, `${text}${line}\n`, hash);
        saved.push(line);
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'conflict') throw e;
      }
    }
  }
  return saved;
}
