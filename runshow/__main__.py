from runshow.cli import main

raise SystemExit(main())
