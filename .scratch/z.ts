import zlib from 'node:zlib';
const bufs = Array.from({ length: 2000 }, (_, i) => zlib.deflateSync(Buffer.from(`tree ${i} `.repeat(50 + (i % 300)))));
let t0 = performance.now();
for (let k = 0; k < 20; k++) for (const b of bufs) zlib.inflateSync(b);
console.log('inflateSync', (performance.now() - t0).toFixed(0));
const engine = new zlib.Inflate() as unknown as { _processChunk(b: Buffer, f: number): Buffer; reset(): void };
t0 = performance.now();
for (let k = 0; k < 20; k++) for (const b of bufs) { const out = engine._processChunk(b, zlib.constants.Z_FINISH); engine.reset(); if (!out.length) throw 1; }
console.log('reused', (performance.now() - t0).toFixed(0));
const a = engine._processChunk(Buffer.concat([bufs[5]!, Buffer.from('garbage')]), zlib.constants.Z_FINISH); engine.reset();
console.log(a.equals(zlib.inflateSync(bufs[5]!)));
try { engine._processChunk(Buffer.from('nonsense'), zlib.constants.Z_FINISH); } catch (e) { console.log('err ok', (e as Error).message); engine.reset(); }
console.log(engine._processChunk(bufs[7]!, zlib.constants.Z_FINISH).equals(zlib.inflateSync(bufs[7]!)));
