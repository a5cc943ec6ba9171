import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule (issue 11): imports point one way. Type-only imports count too: a circle or
 * a wrong-way import through types still couples the two sides.
 */
const srcDir = path.dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string, ext = '.ts'): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p, ext);
    return e.name.endsWith(ext) && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Each source file (relative to src/, with `/`) and the src files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(srcDir)) {
    const text = fs.readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    const local = specifiers
      .filter((s) => s.startsWith('.'))
      .map((s) =>
        path
          .relative(srcDir, path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')))
          .split(path.sep)
          .join('/'),
      );
    graph.set(path.relative(srcDir, file).split(path.sep).join('/'), local);
  }
  return graph;
}

function wrongWay(graph: Map<string, string[]>, from: string, to: RegExp) {
  return [...graph].flatMap(([file, imports]) =>
    file.startsWith(from) ? imports.filter((i) => to.test(i)).map((i) => `${file} → ${i}`) : [],
  );
}

/** Every import circle, each named once by the path that closes it. */
function circles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    trail.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...trail.slice(trail.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    trail.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('the layering of src/', () => {
  const graph = importGraph();

  it('reads the imports it checks', () => {
    expect(graph.get('app.ts')).toContain('plugins/auth.ts');
    expect(graph.get('db/schema/index.ts')!.length).toBeGreaterThan(0);
  });

  it('keeps the domain pure: no import of the database, the plugins or the modules', () => {
    expect(wrongWay(graph, 'domain/', /^(db|plugins|modules)\//)).toEqual([]);
  });

  it('keeps the plugins free of the modules: a plugin is given what it needs', () => {
    expect(wrongWay(graph, 'plugins/', /^modules\//)).toEqual([]);
  });

  it('keeps the edges of the world (evidence store, media tools, URL capture) free of the database, plugins and modules', () => {
    for (const room of ['storage/', 'media/', 'capture/'])
      expect(wrongWay(graph, room, /^(db|plugins|modules|jobs)\/|^services\.ts$/)).toEqual([]);
    // A URL capture may use the media tools; the store stands alone.
    expect(wrongWay(graph, 'storage/', /^(media|capture)\//)).toEqual([]);
    expect(wrongWay(graph, 'media/', /^capture\//)).toEqual([]);
  });

  it('has the database schema take its vocabulary from the domain, never the reverse', () => {
    expect(wrongWay(graph, 'db/', /^(plugins|modules)\//)).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([]);
  });
});

describe('who may do what', () => {
  const ROLE = `'(?:requester|operative|sergeant|inspector|authorising_officer|admin|auditor)'`;
  const relative = (file: string) => path.relative(srcDir, file).split(path.sep).join('/');

  it('spells each role group out once, in domain/roles.ts (the vocabulary lists the roles)', () => {
    const groups = new RegExp(`\\[\\s*${ROLE}|${ROLE}\\s*\\]`);
    const spelled = sourceFiles(srcDir)
      .filter((f) => !['domain/roles.ts', 'domain/vocabulary.ts'].includes(relative(f)))
      .filter((f) => groups.test(fs.readFileSync(f, 'utf8')))
      .map(relative);
    expect(spelled).toEqual([]);
  });

  it('leaves templates to the policies: no page checks a role itself', () => {
    const check = new RegExp(`actor\\.roles|${ROLE.replace(/'/g, '"')}`);
    const checks = sourceFiles(srcDir, '.njk')
      .filter((f) => check.test(fs.readFileSync(f, 'utf8')))
      .map(relative);
    expect(checks).toEqual([]);
  });
});
