# gnuplot throughput.gp (in this directory) redraws both images
set datafile missing '?'
set style fill solid 0.5 border -1
set grid ytics
do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal png size 900,1150 } else { set terminal svg size 900,1150 dynamic }
  set output 'throughput.'.fmt
  set multiplot layout 3,1 title "novalidate-P1" noenhanced
  set title "receiver Gb/s per interval, round r1" noenhanced
  set xlabel 'time (s)'; set ylabel 'Gb/s'; set yrange [0:*]; set xrange [*:*]
  set key outside right top
  plot 'throughput.dat' index 0 with lines lw 1 dt 3 title 'flow 1',\
     'throughput.dat' index 1 with linespoints lw 3 pt 7 title 'ncdevmem total',\
     'throughput.dat' index 2 with linespoints lw 2 dt 2 title 'iperf3 total',\
     'throughput.dat' index 3 with linespoints lw 2 dt 2 title 'iperf3 -l total'
  set title "Gb/s per tool: median of 1 round(s), bars min..max" noenhanced
  set xlabel ''; set xrange [-0.6:2.6]; set boxwidth 0.6
  plot 'bars.dat' using 0:2:xtic(1) with boxes notitle, \
       '' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0 notitle
  set title "CPU seconds per GB (user + system), median, bars min..max" noenhanced
  set ylabel 'CPU s / GB'; set boxwidth 0.3
  plot 'bars.dat' using ($0-0.16):5:xtic(1) with boxes title 'receiver', \
       '' using ($0-0.16):5:6:7 with yerrorbars lc rgb 'black' pt 0 notitle, \
       '' using ($0+0.16):8 with boxes title 'sender', \
       '' using ($0+0.16):8:9:10 with yerrorbars lc rgb 'black' pt 0 notitle
  unset multiplot
  unset output
}
