/**
 * The TypeScript blocks of a Markdown page as one module: their imports merged (a name imported by
 * two blocks is imported once), the rest in order. For the README and docs tests.
 */
export const moduleOfBlocks = (markdown: string, extra: readonly string[] = []): string => {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
  const imports = new Map<string, Set<string>>()
  const defaults: string[] = []
  const body: string[] = []
  for (const line of blocks.join('\n').split('\n')) {
    const named = /^import \{ (.*) \} from '([^']+)'$/.exec(line)
    if (named !== null) {
      const set = imports.get(named[2] ?? '') ?? new Set<string>()
      for (const n of (named[1] ?? '').split(',')) set.add(n.trim())
      imports.set(named[2] ?? '', set)
    } else if (/^import .* from '[^']+'$/.test(line)) defaults.push(line)
    else body.push(line)
  }
  const head = [...imports].map(([from, names]) => `import { ${[...names].join(', ')} } from '${from}'`)
  return [...head, ...defaults, ...body, ...extra].join('\n')
}
