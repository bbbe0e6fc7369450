/* cat: copies stdin to stdout with read and write, whatever the bytes. */
#include <unistd.h>

int main(void)
{
    static char buf[65536];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n < 0)
            return 1;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(1, buf + done, (size_t)(n - done));
            if (w <= 0)
                return 1;
            done += w;
        }
    }
}
