from jishi.cli import main

main()
