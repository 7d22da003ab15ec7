echo ok; exit 0
