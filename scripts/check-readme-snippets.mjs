// Type-checks every TypeScript snippet of the READMEs against this repository's packages, so a
// snippet a reader pastes compiles: imports included, names and signatures current.
// A block whose first line names the file it belongs in (`// packages/backend/src/index.ts`)
// is checked in that file's context (see CONTEXT); every other block is a complete module.
// Usage: node scripts/check-readme-snippets.mjs (after the bootstrap); exits non-zero on errors.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { markdownCodeBlocks } from './lib/markdownCodeBlocks.mjs';

const REPO = resolve(new URL('..', import.meta.url).pathname);
const OUT = join(REPO, '.data', 'readme-snippets');

/** What a file's existing content gives a snippet added to it. */
const CONTEXT = {
  'packages/backend/src/index.ts': {
    before:
      "import { createBackend } from '@backstage/backend-defaults';\nconst backend = createBackend();\n",
    after: '\nbackend.start();\n',
  },
};

function readmes() {
  const files = execFileSync(
    'git',
    ['ls-files', '-co', '--exclude-standard', '*README.md'],
    {
      cwd: REPO,
    },
  )
    .toString()
    .split('\n')
    // Template skeletons are rendered by the scaffolder, not pasted.
    .filter(f => f && !f.startsWith('templates/'));
  return files.map(file => ({
    file,
    text: readFileSync(join(REPO, file), 'utf8'),
  }));
}

/** The TypeScript blocks of a README, with the file their first line names, if any. */
function snippetsOf(text) {
  return markdownCodeBlocks(text)
    .filter(block => ['ts', 'tsx', 'typescript'].includes(block.lang))
    .map(block => ({
      ...block,
      lang: block.lang === 'tsx' ? 'tsx' : 'ts',
      path: /^\/\/ ([\w@./-]+\.tsx?)\b/.exec(block.firstLine)?.[1],
    }));
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const origins = new Map();
for (const { file, text } of readmes()) {
  for (const snippet of snippetsOf(text)) {
    const context = (snippet.path && CONTEXT[snippet.path]) ?? {
      before: '',
      after: '',
    };
    const name = `${file.replace(/[/.]/g, '_')}_L${snippet.line}.${
      snippet.lang
    }`;
    // `export {}` makes every snippet a module, so two snippets never share top-level names.
    writeFileSync(
      join(OUT, name),
      `${context.before}${snippet.body}${context.after}\nexport {};\n`,
    );
    origins.set(name, `${file}:${snippet.line}`);
  }
}
writeFileSync(
  join(OUT, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: relative(OUT, join(REPO, 'tsconfig.json')),
      include: ['*.ts', '*.tsx'],
      compilerOptions: {
        noEmit: true,
        emitDeclarationOnly: false,
        incremental: false,
        rootDir: relative(OUT, REPO),
        noUnusedLocals: false,
        noUnusedParameters: false,
      },
    },
    null,
    2,
  ),
);
console.log(`type-checking ${origins.size} README snippets`);
try {
  execFileSync(
    join(REPO, 'node_modules/.bin/tsc'),
    ['-p', join(OUT, 'tsconfig.json'), '--pretty', 'false'],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  console.log(`all ${origins.size} README snippets type-check`);
} catch (error) {
  // Name the README and line of each error, not the generated file.
  let output = `${error.stdout}${error.stderr}`;
  for (const [name, origin] of origins) {
    output = output.replaceAll(
      `.data/readme-snippets/${name}`,
      `${origin} (snippet) ${name}`,
    );
  }
  console.error(output);
  process.exit(1);
}
