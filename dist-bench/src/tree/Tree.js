/**
 * Parameter trees: parameters, gradients and optimizer state as nested readonly arrays and records
 * whose leaves are tensors.
 *
 * Every tree function walks a tree the same way: depth first; array elements in index order;
 * record entries in the record's own `Object.keys` order (integer-like keys ascending first, then
 * the other keys in insertion order, as JavaScript defines it). Only own enumerable properties are
 * read, so a key named `__proto__` is an ordinary key, and output records are built with
 * `Object.fromEntries`, which defines own properties and never touches a prototype. A record is a
 * plain object (prototype `Object.prototype` or `null`); anything else that is not a tensor or an
 * array is a TreeError naming the path. Trees are never written to; the containers a tree function
 * builds are frozen. (A cyclic structure is not a tree: `isTree` says so, the other functions
 * would exhaust the stack.)
 *
 * Paths name a leaf the way TypeScript would reach it: `layers[0].weight`; a key that is not an
 * identifier is quoted, `blocks["conv 1"]`; the root is the empty path, printed `<root>`.
 */
import { isTensor } from '../tensor/Tensor.js';
/** A structural problem in a tree op: structures that differ, wrong leaf shapes or counts, non-trees. */
export class TreeError extends Error {
    op;
    path;
    detail;
    _tag = 'TreeError';
    constructor(op, 
    /** Where the problem is (empty for the root). */
    path, detail) {
        super(`${op}: ${detail}`);
        this.op = op;
        this.path = path;
        this.detail = detail;
        this.name = 'TreeError';
    }
}
// ─── guards ─────────────────────────────────────────────────────────────────────────────────────
/**
 * True for a well-formed tree: tensors, arrays and plain records all the way down, with no cycle.
 *
 * @example
 * tree.isTree({ w: zeros([2]) })  // true
 * tree.isTree({ w: 3 })           // false
 */
export const isTree = (u) => {
    const ancestors = new Set();
    const check = (v) => {
        const node = nodeOrUndefined(v);
        if (node === undefined)
            return false;
        if (node.kind === 'leaf')
            return true;
        if (ancestors.has(v))
            return false;
        ancestors.add(v);
        const ok = node.children.every(check);
        ancestors.delete(v);
        return ok;
    };
    return check(u);
};
/**
 * Classifies a node, or throws a TreeError naming the op and the path when it is not a tree node.
 * Takes `unknown` so that values from outside the type system (JSON, `any`) are checked as well.
 */
export const nodeOf = (op, u, path) => {
    const node = nodeOrUndefined(u);
    if (node === undefined) {
        throw new TreeError(op, path, `not a tree at ${showPath(path)}: expected a tensor, an array or a plain record, got ${describe(u)}`);
    }
    return node;
};
/** The path of the child of a node: `[i]` for arrays, `.key` or `["key"]` for records. */
export const childPath = (node, path, i) => {
    if (node.kind !== 'record')
        return `${path}[${i}]`;
    const key = node.keys[i] ?? '';
    return IDENTIFIER.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`;
};
/** A path for messages: the root is `<root>`. */
export const showPath = (path) => (path === '' ? '<root>' : path);
/** What a value is, for messages: `a tensor [2,3]`, `an array of length 2`, `a record {a, b}`, `a number`. */
export const describe = (u) => {
    if (isTensor(u))
        return `a tensor [${u.shape.join(',')}]`;
    if (Array.isArray(u))
        return `an array of length ${u.length}`;
    if (isPlainRecord(u))
        return `a record {${Object.keys(u).join(', ')}}`;
    if (u === null)
        return 'null';
    if (u === undefined)
        return 'undefined';
    if (typeof u === 'object')
        return 'a non-plain object';
    return `a ${typeof u}`;
};
/** A tree node of the same kind as `node` holding `children` (frozen; safe for any key). */
export const rebuild = (node, children) => {
    if (node.kind === 'array')
        return Object.freeze([...children]);
    const entries = [];
    node.keys.forEach((k, i) => {
        const child = children[i];
        if (child !== undefined)
            entries.push([k, child]);
    });
    return Object.freeze(Object.fromEntries(entries));
};
/** Calls `onLeaf` on every leaf in tree order; throws a TreeError at a node that is not a tree. */
export const walk = (op, u, path, onLeaf) => {
    const node = nodeOf(op, u, path);
    if (node.kind === 'leaf') {
        onLeaf(node.leaf, path);
        return;
    }
    node.children.forEach((c, i) => walk(op, c, childPath(node, path, i), onLeaf));
};
// ─── internal ───────────────────────────────────────────────────────────────────────────────────
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const isPlainRecord = (u) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u))
        return false;
    const proto = Object.getPrototypeOf(u);
    return proto === Object.prototype || proto === null;
};
const nodeOrUndefined = (u) => {
    if (isTensor(u))
        return { kind: 'leaf', leaf: u };
    if (Array.isArray(u)) {
        const children = [];
        // Index by index rather than `map`, so that holes show up as `undefined` and fail.
        for (let i = 0; i < u.length; i++) {
            const child = u[i];
            children.push(child);
        }
        return { kind: 'array', children };
    }
    if (isPlainRecord(u)) {
        const entries = Object.entries(u);
        return { kind: 'record', keys: entries.map(([k]) => k), children: entries.map(([, v]) => v) };
    }
    return undefined;
};
