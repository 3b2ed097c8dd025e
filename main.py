"""Start the Joint Risk Register:  python main.py [REGISTER]"""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
