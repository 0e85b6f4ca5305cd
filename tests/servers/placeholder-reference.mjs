// The reference encoders (npm blurhash and thumbhash, pinned in
// package.json) on pixels given as JSON lines {width, height, rgba
// (base64)}: prints {blurhash, thumbhash (base64)} a line.
import { encode } from "blurhash";
import { rgbaToThumbHash } from "thumbhash";
import readline from "node:readline";

for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { width, height, rgba } = JSON.parse(line);
  const pixels = new Uint8ClampedArray(Buffer.from(rgba, "base64"));
  const thumbhash = Buffer.from(rgbaToThumbHash(width, height, pixels)).toString("base64");
  console.log(JSON.stringify({ blurhash: encode(pixels, width, height, 4, 3), thumbhash }));
}
