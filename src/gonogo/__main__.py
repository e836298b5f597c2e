from gonogo.cli.main import run

run()
