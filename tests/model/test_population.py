import numpy as np

from barrio.model.population import ByCode, ids_in


def test_ids_by_code_come_out_whole_and_in_id_order():
    ids = np.array([10, 11, 12, 13, 14, 15])
    codes = np.array([2, -1, 0, 2, 0, 2])
    index = ByCode.index(ids, codes)
    assert list(index.of(2)) == [10, 13, 15]
    assert list(index.of(0)) == [12, 14]
    assert list(index.of(-1)) == [11]
    assert len(index.of(1)) == 0 and len(index.of(7)) == 0


def test_members_of_some_blocks_are_their_residents_in_index_order():
    block = np.array([1, 0, 2, 1, 1, 2])  # residents 0-5
    order = np.argsort(block, kind="stable")
    starts = np.searchsorted(block[order], np.arange(4))
    assert list(ids_in(order, starts, np.array([1, 2]))) == [0, 3, 4, 2, 5]
    assert list(ids_in(order, starts, np.array([0]))) == [1]
    assert len(ids_in(order, starts, np.array([], dtype=int))) == 0
