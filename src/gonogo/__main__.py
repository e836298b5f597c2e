from gonogo.cli.main import run

# guarded: a worker process the server spawns imports this module again (as __mp_main__)
if __name__ == "__main__":
    run()
