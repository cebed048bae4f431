// The benchmark's sharp side: the same album-art work as ours on the same files, reported as JSON.
//   node run.mjs <dir> <concurrency> <strip|squares>
// strip: 500×500 and 150×150 centre crops plus the original without metadata (sharp re-encodes
// to drop it); squares: the two crops only, for sharp's best case.
import sharp from "sharp";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const [dir, concurrencyArg, mode] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const files = (await readdir(dir)).filter((f) => f.endsWith(".jpg")).sort();
const baselineKb = process.resourceUsage().maxRSS;

const square = (image, side) =>
  image.clone().resize(side, side, { fit: "cover", position: "centre", kernel: "lanczos3" }).jpeg({ quality: 85 }).toBuffer();

async function one(file) {
  const image = sharp(await readFile(join(dir, file)), { limitInputPixels: 40_000_000 });
  const outputs = [square(image, 500), square(image, 150)];
  if (mode === "strip") outputs.push(image.clone().jpeg({ quality: 90 }).toBuffer());
  const done = await Promise.all(outputs);
  return done.reduce((n, b) => n + b.length, 0);
}

const started = performance.now();
let next = 0;
let bytes = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < files.length) {
      bytes += await one(files[next++]);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ images: files.length, seconds, outputBytes: bytes, peakRssKb: process.resourceUsage().maxRSS, baselineKb }));
