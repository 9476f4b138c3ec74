from glue_netcheck.cli import main

main()
