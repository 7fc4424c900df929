from thidua.main import main

main()
