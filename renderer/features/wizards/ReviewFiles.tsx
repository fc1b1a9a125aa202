import type { Diagnostic } from '../../../core/common/diagnostics.js';

/** The exact files a wizard would write, and the errors they would have (nothing is written while there are any). */
export function ReviewFiles({ files, diagnostics }: { files: { path: string; text: string; isNew: boolean }[]; diagnostics: Diagnostic[] }) {
  return (
    <>
      {files.map((f) => (
        <div key={f.path} className="review-file">
          <h3>
            {f.isNew ? 'New' : 'Updated'}: {f.path}
          </h3>
          <pre data-testid="review-text">{f.text}</pre>
        </div>
      ))}
      {diagnostics.length > 0 && (
        <ul className="review-problems" role="alert">
          {diagnostics.map((d, i) => (
            <li key={i}>
              {d.file}:{d.line} {d.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
