/** Window size and position, remembered between launches; a saved position that no display shows any more is ignored. */
export interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

export const DEFAULT_BOUNDS: Bounds = { width: 1360, height: 880 };

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Sanitises stored bounds against the displays' work areas. */
export function restoreBounds(saved: unknown, displays: Area[]): Bounds {
  if (!saved || typeof saved !== 'object') return DEFAULT_BOUNDS;
  const s = saved as Record<string, unknown>;
  const width = Math.max(640, Math.min(numberOr(s.width, DEFAULT_BOUNDS.width), 10_000));
  const height = Math.max(480, Math.min(numberOr(s.height, DEFAULT_BOUNDS.height), 10_000));
  const out: Bounds = { width, height, maximized: s.maximized === true };
  if (typeof s.x === 'number' && typeof s.y === 'number') {
    const x = s.x;
    const y = s.y;
    const visible = displays.some((d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y && y < d.y + d.height - 50);
    if (visible) Object.assign(out, { x, y });
  }
  return out;
}
