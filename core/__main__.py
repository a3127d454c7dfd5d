from unionline.cli import main

main()
