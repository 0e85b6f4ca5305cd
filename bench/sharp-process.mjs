// The seed's processImage, as its Lambda runs it, over a set of files with
// CONCURRENCY images in flight: sharp(image).resize(512, 512).png().toBuffer().
//
//   node sharp-process.mjs CONCURRENCY OUTDIR FILE…
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';

const [concurrency, outdir, ...files] = process.argv.slice(2);

// The seed's code, unchanged.
async function processImage(image) {
  return sharp(image).resize(512, 512).png().toBuffer();
}

await mkdir(outdir, { recursive: true });
let next = 0;
let failed = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    try {
      const output = await processImage(await readFile(file));
      await writeFile(`${outdir}/${basename(file)}.png`, output);
    } catch (error) {
      failed++;
      console.error(`sharp-process: ${file}: ${error.message}`);
    }
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
process.exit(failed > 0 ? 1 : 0);
