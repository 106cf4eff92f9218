set terminal png size 900,500
set output 'throughput.png'
set title "validate-P2: receiver throughput" noenhanced
set xlabel 'time (s)'
set ylabel 'Gb/s'
set yrange [0:*]
set grid
set key bottom right
plot 'throughput.dat' index 0 with linespoints lw 2 title 'ncdevmem', 'throughput.dat' index 1 with linespoints lw 2 title 'iperf3'
