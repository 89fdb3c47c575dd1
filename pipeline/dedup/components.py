"""Connected components kept as forests: the partitioned union-find of the cluster step.

A forest is a pair of uint32 arrays ``(child, root)`` sorted by ``child``: every document of a
component with more than one member, except the component's smallest document number, points at
that smallest number (its root). Documents in no pair are in no forest (singletons). A forest over
the documents of one bucket partition is computed there from that partition's candidate pairs; two
forests merge into the forest of the union of their pairs (``merge_forests``), so partitions reduce
pairwise in a tree and no task ever holds all pairs: a merge holds two forests, each smaller than
the number of documents it touches.

Memory: a forest over D clustered documents is < 8 D bytes; building one from E pairs holds the
pairs, the sorted distinct documents and scipy's sparse graph, about 40 bytes per pair
(``scipy.sparse.csgraph.connected_components``, linear time).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

Forest = tuple[np.ndarray, np.ndarray]


def empty_forest() -> Forest:
    return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.uint32)


def forest_from_edges(src: np.ndarray, dst: np.ndarray) -> Forest:
    """The forest of the graph whose edges are ``zip(src, dst)`` (document numbers)."""
    if len(src) == 0:
        return empty_forest()
    nodes, inverse = np.unique(np.concatenate([src, dst]), return_inverse=True)
    k, e = len(nodes), len(src)
    graph = csr_matrix((np.ones(e, dtype=np.int8), (inverse[:e], inverse[e:])), shape=(k, k))
    n, labels = connected_components(graph, directed=True, connection="weak")
    # nodes are sorted, so the first node of each label is the component's smallest document
    _, first = np.unique(labels, return_index=True)
    roots = nodes[first][labels]
    member = roots != nodes
    return nodes[member].astype(np.uint32), roots[member].astype(np.uint32)


def merge_forests(*forests: Forest) -> Forest:
    forests = tuple(f for f in forests if len(f[0]))
    if not forests:
        return empty_forest()
    if len(forests) == 1:
        return forests[0]
    return forest_from_edges(np.concatenate([f[0] for f in forests]), np.concatenate([f[1] for f in forests]))


def roots_of(forest: Forest, gids: np.ndarray) -> np.ndarray:
    """Root document of each of ``gids`` (itself when it is in no forest entry)."""
    child, root = forest
    gids = np.asarray(gids, dtype=np.uint32)
    if len(child) == 0:
        return gids.copy()
    idx = np.minimum(np.searchsorted(child, gids), len(child) - 1)
    hit = child[idx] == gids
    return np.where(hit, root[idx], gids)


def component_sizes(forest: Forest) -> tuple[np.ndarray, np.ndarray]:
    """(roots, sizes) of every component with more than one member, roots sorted."""
    roots, counts = np.unique(forest[1], return_counts=True)
    return roots, (counts + 1).astype(np.uint32)
