from disclo_cli.cli import main

main()
