/**
 * A path that is cut in the middle when it does not fit, never at its end: "contracts/ch…/CR-43.yaml" keeps the file
 * name, which is what tells files apart. The whole path is the title.
 */
export function MiddlePath({ path, className }: { path: string; className?: string }) {
  const cut = path.lastIndexOf('/');
  // a bare name has nothing to keep apart: it is cut at its end like any word
  if (cut <= 0)
    return (
      <span className={`middle-path${className ? ` ${className}` : ''}`} title={path}>
        <span className="middle-path-head">{path}</span>
      </span>
    );
  const at = cut;
  return (
    <span className={`middle-path${className ? ` ${className}` : ''}`} title={path}>
      <span className="middle-path-head">{path.slice(0, at)}</span>
      <span className="middle-path-tail">{path.slice(at)}</span>
    </span>
  );
}
