interface Node {
  first: bigint;
  last: bigint;
  left: Node | undefined;
  right: Node | undefined;
  height: number;
}

/**
 * The free members of one integer interval, held as disjoint, non-adjacent ranges in an AVL tree
 * keyed by range start. Endpoints are bigints, so a /64 (or a whole IPv6 space) is one node.
 *
 * Costs, n = number of ranges (not addresses): takeLowest, take, release, has O(log n);
 * size and rangeCount O(1), kept as each operation changes them. A pool filled from the bottom
 * stays one range, however large it is.
 *
 * Values are the caller's ordinals; the tree knows nothing of addresses.
 */
export class FreeRanges {
  private root: Node | undefined;
  private count = 0n;
  private nodes = 0;

  /** Starts with every value in [first, last] free; empty when last < first. */
  constructor(first = 0n, last = -1n) {
    if (first <= last) this.insert(first, last);
  }

  /** How many values are free. */
  get size(): bigint {
    return this.count;
  }

  get rangeCount(): number {
    return this.nodes;
  }

  has(value: bigint): boolean {
    const node = this.floor(value);
    return node !== undefined && node.last >= value;
  }

  /** Takes the lowest free value; undefined when none is free. */
  takeLowest(): bigint | undefined {
    let node = this.root;
    if (node === undefined) return undefined;
    while (node.left !== undefined) node = node.left;
    const value = node.first;
    this.takeFrom(node, value);
    return value;
  }

  /** The lowest free value, without taking it. */
  lowest(): bigint | undefined {
    let node = this.root;
    if (node === undefined) return undefined;
    while (node.left !== undefined) node = node.left;
    return node.first;
  }

  /** Takes one value; false (and no change) when it is not free. */
  take(value: bigint): boolean {
    const node = this.floor(value);
    if (node === undefined || node.last < value) return false;
    this.takeFrom(node, value);
    return true;
  }

  /** Frees one value, merging it with free neighbours. Throws when it is already free: a caller's bookkeeping bug. */
  release(value: bigint): void {
    const below = this.floor(value);
    if (below !== undefined && below.last >= value) throw new RangeError(`value ${value} is already free`);
    const joinsBelow = below !== undefined && below.last === value - 1n;
    const above = this.ceil(value + 1n);
    const joinsAbove = above !== undefined && above.first === value + 1n;
    if (joinsBelow && joinsAbove) {
      const last = above.last;
      this.removeNode(above.first);
      below.last = last;
    } else if (joinsBelow) {
      below.last = value;
    } else if (joinsAbove) {
      // Lowering the key in place keeps the order: no other range lies between value and above.first.
      above.first = value;
    } else {
      this.insert(value, value);
      return;
    }
    this.count += 1n;
  }

  /** The free ranges in ascending order, as [first, last] pairs. */
  *ranges(): Generator<[bigint, bigint]> {
    const stack: Node[] = [];
    let node = this.root;
    while (node !== undefined || stack.length > 0) {
      while (node !== undefined) {
        stack.push(node);
        node = node.left;
      }
      const top = stack.pop() as Node;
      yield [top.first, top.last];
      node = top.right;
    }
  }

  /** Tree height, for tests that check the balance. */
  get height(): number {
    return this.root?.height ?? 0;
  }

  private takeFrom(node: Node, value: bigint): void {
    this.count -= 1n;
    if (node.first === node.last) {
      this.removeNode(node.first);
    } else if (value === node.first) {
      node.first = value + 1n;
    } else if (value === node.last) {
      node.last = value - 1n;
    } else {
      const upper = node.last;
      node.last = value - 1n;
      this.insertNode(value + 1n, upper);
    }
  }

  /** The range with the greatest start <= value. */
  private floor(value: bigint): Node | undefined {
    let node = this.root;
    let best: Node | undefined;
    while (node !== undefined) {
      if (node.first <= value) {
        best = node;
        node = node.right;
      } else node = node.left;
    }
    return best;
  }

  /** The range with the smallest start >= value. */
  private ceil(value: bigint): Node | undefined {
    let node = this.root;
    let best: Node | undefined;
    while (node !== undefined) {
      if (node.first >= value) {
        best = node;
        node = node.left;
      } else node = node.right;
    }
    return best;
  }

  private insert(first: bigint, last: bigint): void {
    this.count += last - first + 1n;
    this.insertNode(first, last);
  }

  private insertNode(first: bigint, last: bigint): void {
    this.nodes++;
    this.root = insertAt(this.root, { first, last, left: undefined, right: undefined, height: 1 });
  }

  private removeNode(first: bigint): void {
    this.nodes--;
    this.root = removeAt(this.root, first);
  }
}

function h(node: Node | undefined): number {
  return node === undefined ? 0 : node.height;
}

function update(node: Node): void {
  node.height = Math.max(h(node.left), h(node.right)) + 1;
}

function rotateRight(node: Node): Node {
  const pivot = node.left as Node;
  node.left = pivot.right;
  pivot.right = node;
  update(node);
  update(pivot);
  return pivot;
}

function rotateLeft(node: Node): Node {
  const pivot = node.right as Node;
  node.right = pivot.left;
  pivot.left = node;
  update(node);
  update(pivot);
  return pivot;
}

function balance(node: Node): Node {
  update(node);
  const diff = h(node.left) - h(node.right);
  if (diff > 1) {
    const left = node.left as Node;
    if (h(left.left) < h(left.right)) node.left = rotateLeft(left);
    return rotateRight(node);
  }
  if (diff < -1) {
    const right = node.right as Node;
    if (h(right.right) < h(right.left)) node.right = rotateRight(right);
    return rotateLeft(node);
  }
  return node;
}

function insertAt(node: Node | undefined, fresh: Node): Node {
  if (node === undefined) return fresh;
  if (fresh.first < node.first) node.left = insertAt(node.left, fresh);
  else node.right = insertAt(node.right, fresh);
  return balance(node);
}

function removeAt(node: Node | undefined, first: bigint): Node | undefined {
  if (node === undefined) return undefined;
  if (first < node.first) node.left = removeAt(node.left, first);
  else if (first > node.first) node.right = removeAt(node.right, first);
  else {
    if (node.left === undefined) return node.right;
    if (node.right === undefined) return node.left;
    // Replace by the successor's contents, then remove the successor from the right subtree.
    let successor = node.right;
    while (successor.left !== undefined) successor = successor.left;
    node.first = successor.first;
    node.last = successor.last;
    node.right = removeAt(node.right, successor.first);
  }
  return balance(node);
}
