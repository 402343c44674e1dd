/**
 * The package as a user gets it: the sources built with tsconfig.build.json, packed by `npm pack`,
 * and the tarball unpacked into fresh consumer projects under os.tmpdir(). Everything is written
 * under one temporary folder; nothing in the working tree changes.
 *
 * The tarball is unpacked into `node_modules/dualflow` and the package's runtime dependencies are
 * linked from the repository's own `node_modules` (where `npm ci` put exactly the versions of the
 * lockfile): an `npm install` of the tarball would need the registry, or package metadata that
 * `npm ci` does not cache, and the test must run offline. Node resolves a linked package by its
 * real path, so each dependency is loaded once, as in a real install.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

interface PackageJson {
  readonly name: string
  readonly exports: Readonly<Record<string, unknown>>
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly [key: string]: unknown
}

export const packageJson = (): PackageJson => JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'))

/** The subpaths of `exports` that are modules (`./package.json` is data), e.g. `.`, `./nn`. */
export const moduleSubpaths = (): readonly string[] => Object.keys(packageJson().exports).filter((s) => !s.endsWith('.json'))

/** `dualflow` for `.`, `dualflow/nn` for `./nn`. */
export const specifier = (subpath: string): string => (subpath === '.' ? packageJson().name : `${packageJson().name}/${subpath.slice(2)}`)

const run = (command: string, args: readonly string[], cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } })

const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc')

export interface Packed {
  /** The temporary folder that holds everything. */
  readonly root: string
  /** The tarball made by `npm pack`. */
  readonly tarball: string
  /** The file names inside the tarball, relative to the package folder (`dist/src/index.js`, …). */
  readonly files: readonly string[]
}

/** Builds the package into a temporary folder and packs it. */
export const pack = (): Packed => {
  const root = mkdtempSync(path.join(tmpdir(), 'dualflow-package-'))
  const staging = path.join(root, 'package')
  mkdirSync(staging)
  // The build runs in a copy of the repository's sources, so that the source maps' relative paths
  // are the ones a build in the repository writes; the copy's node_modules is the repository's.
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'src', 'laws']) {
    if (existsSync(path.join(repo, entry))) cpSync(path.join(repo, entry), path.join(staging, entry), { recursive: true })
  }
  symlinkSync(path.join(repo, 'node_modules'), path.join(staging, 'node_modules'), 'dir')
  run(process.execPath, [tsc, '-p', path.join(staging, 'tsconfig.build.json')], staging)
  // `npm pack` takes what `files` in package.json names (plus package.json, README and LICENSE); scripts are not run.
  const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], staging)
  const [result]: readonly { readonly filename: string; readonly files: readonly { readonly path: string }[] }[] = JSON.parse(out)
  if (result === undefined) throw new Error(`npm pack printed no result: ${out}`)
  return { root, tarball: path.join(root, result.filename), files: result.files.map((f) => f.path) }
}

export interface ConsumerOptions {
  /** `module` (an ESM project) or `commonjs`. */
  readonly type: 'module' | 'commonjs'
  /** Packages linked from the repository beside dualflow's own dependencies (e.g. `fast-check`, `@types/node`). */
  readonly link?: readonly string[]
}

/** A fresh consumer project with the tarball installed: `tsconfig.json` with `module: nodenext`, strict. */
export const consumer = (packed: Packed, name: string, options: ConsumerOptions): string => {
  const dir = path.join(packed.root, name)
  const modules = path.join(dir, 'node_modules')
  const target = path.join(modules, packageJson().name)
  mkdirSync(target, { recursive: true })
  run('tar', ['-xzf', packed.tarball, '-C', target, '--strip-components=1'], dir)
  const pkg = packageJson()
  for (const dependency of [...Object.keys(pkg.dependencies ?? {}), ...(options.link ?? [])]) {
    const link = path.join(modules, dependency)
    mkdirSync(path.dirname(link), { recursive: true })
    symlinkSync(path.join(repo, 'node_modules', dependency), link, 'dir')
  }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: options.type }, null, 2))
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022'],
          types: (options.link ?? []).includes('@types/node') ? ['node'] : [],
          strict: true,
          // The package's declarations are checked too: a type that leaks an uninstalled package fails here.
          skipLibCheck: false,
          resolveJsonModule: true,
          outDir: 'out',
          rootDir: 'src',
        },
        include: ['src'],
      },
      null,
      2,
    ),
  )
  mkdirSync(path.join(dir, 'src'))
  return dir
}

/** Type-checks and compiles a consumer project; returns tsc's output (empty when clean). Throws with it otherwise. */
export const compile = (dir: string): string => {
  try {
    return run(process.execPath, [tsc, '-p', dir], dir)
  } catch (e) {
    throw new Error(`tsc failed in ${dir}:\n${errorOutput(e)}`)
  }
}

/** Runs a compiled file of a consumer project (`out/<name>.js`) with Node; returns stdout and stderr. Throws when it fails. */
export const runNode = (dir: string, file: string, args: readonly string[] = []): { readonly stdout: string; readonly stderr: string } => {
  const result = spawnSync(process.execPath, [path.join(dir, 'out', file), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    timeout: 120_000,
  })
  if (result.status !== 0) throw new Error(`node ${file} failed in ${dir} (status ${String(result.status)}):\n${result.stdout}${result.stderr}`)
  return { stdout: result.stdout, stderr: result.stderr }
}

const errorOutput = (e: unknown): string => {
  if (typeof e === 'object' && e !== null && 'stdout' in e && 'stderr' in e) return `${String(e.stdout)}${String(e.stderr)}`
  return String(e)
}
