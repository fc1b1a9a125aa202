// Monaco from the local package only (never the CDN loader), with schema-aware YAML from monaco-yaml.
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/markdown/markdown.contribution.js';
import 'monaco-editor/esm/vs/editor/editor.all.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import { configureMonacoYaml } from 'monaco-yaml';
import YamlWorker from './yaml.worker.js?worker';
import { SCHEMAS, SCHEMA_FILE_MATCH } from '../../core/common/schemas.js';

self.MonacoEnvironment = {
  getWorker(_moduleId: string, label: string) {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

// Schema problems are reported by Covenant's own engine (plain words, exact positions, cross-file rules), so
// monaco-yaml is used for what it does best here: completion, hover documentation and formatting.
configureMonacoYaml(monaco, {
  enableSchemaRequest: false,
  validate: false,
  completion: true,
  hover: true,
  format: { enable: true },
  isKubernetes: false,
  schemas: (Object.keys(SCHEMA_FILE_MATCH) as (keyof typeof SCHEMA_FILE_MATCH)[]).map((kind) => ({
    uri: String(SCHEMAS[kind].$id),
    fileMatch: SCHEMA_FILE_MATCH[kind],
    schema: SCHEMAS[kind] as never,
  })),
});

loader.config({ monaco });

export { monaco };

/** The model URI of a workspace file: the schemas' fileMatch globs are matched against it. */
export function modelUri(path: string): monaco.Uri {
  return monaco.Uri.file(`/workspace/${path}`);
}
