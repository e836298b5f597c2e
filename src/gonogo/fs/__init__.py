"""The file tree: one listing of it (`index.FileIndex`, from git where it can), safe
capped reads that never follow a link out of the root (`reader.TreeReader`), and
gitignore-style globs (`globs`). Every file probe and the secrets scan share it."""
