"""The search language: what a person types after ``/``, in a saved search or
``newsreader search``. Pure: parsing and printing queries; the store runs them."""
