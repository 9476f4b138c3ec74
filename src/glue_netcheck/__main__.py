from glue_netcheck.launch import main

main()
