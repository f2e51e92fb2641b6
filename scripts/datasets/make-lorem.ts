// `npx tsx scripts/datasets/make-lorem.ts [--check]`: writes the lorem-ipsum sample files the
// notebooks count words in (datasets/lorem/*.txt). The text comes from the `lorem-ipsum` package
// driven by a seeded generator, so the same script always produces the same bytes and the committed
// files can be checked against it (`--check`, and scripts/datasets/lorem.test.ts).
import fs from "node:fs";
import path from "node:path";
import { mulberry32 } from "kernel-helpers/dist/ml/random";
import { LoremIpsum } from "lorem-ipsum";

/** Where the files live, relative to the repository root. */
export const LOREM_DIR = path.join("datasets", "lorem");

/** How many files, and the seed of the first; file i uses seed `LOREM_SEED + i`. */
export const LOREM_FILES = 8;
export const LOREM_SEED = 20240;
/** Paragraphs per file: enough words (≈ 1–2 k per file) to make a word count worth splitting. */
export const LOREM_PARAGRAPHS = 24;

/** The file names and contents, in order: `lorem-00.txt` … `lorem-07.txt`, one paragraph a line. */
export function makeLoremFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < LOREM_FILES; i++) {
    const lorem = new LoremIpsum(
      {
        random: mulberry32(LOREM_SEED + i),
        sentencesPerParagraph: { min: 3, max: 7 },
        wordsPerSentence: { min: 5, max: 15 },
      },
      "plain",
      "\n", // fixed line ending: the package would pick "\r\n" on Windows
    );
    files.set(`lorem-${String(i).padStart(2, "0")}.txt`, lorem.generateParagraphs(LOREM_PARAGRAPHS) + "\n");
  }
  return files;
}

/** Names of committed files that differ from (or are missing against) the generator's output. */
export function staleLoremFiles(root: string): string[] {
  const dir = path.join(root, LOREM_DIR);
  const expected = makeLoremFiles();
  const stale: string[] = [];
  for (const [name, text] of expected) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) stale.push(name);
  }
  const extra = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith(".txt") && !expected.has(n)) : [];
  return [...stale, ...extra];
}

function main(args: string[]): number {
  const root = path.resolve(__dirname, "..", "..");
  if (args.includes("--check")) {
    const stale = staleLoremFiles(root);
    if (stale.length > 0) {
      console.error(`make-lorem: out of date in ${LOREM_DIR}: ${stale.join(", ")} — run npx tsx scripts/datasets/make-lorem.ts`);
      return 1;
    }
    console.log(`make-lorem: ${LOREM_DIR} is up to date`);
    return 0;
  }
  const dir = path.join(root, LOREM_DIR);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of makeLoremFiles()) {
    fs.writeFileSync(path.join(dir, name), text);
    const words = text.split(/\s+/).filter(Boolean).length;
    console.log(`${path.join(LOREM_DIR, name)}: ${words} words, ${Buffer.byteLength(text)} bytes`);
  }
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
