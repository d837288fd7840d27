"""The workshop page: a live neighbourhood in the browser (``barrio app``).

Built on Solara. The page calls the same functions as the command line and the batch
runner (:func:`model.make_model`, :meth:`model.model.BarrioModel.change_levers`); it adds
only what a room needs: a map, levers in plain words, live charts and three languages.
"""
